//! The noise source: a 32-bit linear-congruential generator (amSynth's kind of noise), seeded so
//! that offline renders are bit-identical.

#[derive(Debug, Clone, Copy)]
pub struct Noise {
    state: u32,
}

impl Noise {
    pub fn new(seed: u64) -> Self {
        // Fold the seed so nearby seeds still start far apart.
        let s = seed ^ (seed >> 32);
        Noise {
            state: (s as u32).wrapping_mul(0x9E37_79B9) ^ 0x2545_F491,
        }
    }

    /// Uniform in [-1, 1).
    #[inline]
    pub fn sample(&mut self) -> f32 {
        self.state = self
            .state
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        // Top 24 bits are the well-mixed ones in an LCG.
        ((self.state >> 8) as f32) * (2.0 / 16_777_216.0) - 1.0
    }

    /// A new generator for one voice, drawn from this one.
    pub fn fork(&mut self) -> Noise {
        let a = self.sample().to_bits();
        Noise::new(u64::from(a) << 16 ^ u64::from(self.state))
    }
}
