//! The one wrapper every driver runs the audio code in (nih-plug's `process_wrapper`):
//! denormals flushed to zero for its duration, and the allocation guard around it.
//!
//! Denormals: a reverb or filter tail decays through the subnormal range, where every
//! operation on x86 takes a microcode assist (tens to hundreds of cycles). With flush-to-zero
//! and denormals-are-zero the tail simply ends at zero. The caller's floating-point mode is
//! restored afterwards, so code outside the period (analysis, Lua, tests) keeps IEEE
//! semantics.
//!
//! Allocation guard: the closure runs inside `assert_no_alloc`. A binary whose global
//! allocator is `assert_no_alloc::AllocDisabler` (the `wyrd` binary in debug builds, the
//! real-time tests in every build) aborts with a message if the audio code allocates or
//! frees; with the system allocator the guard is two thread-local increments.

/// Runs `f` with denormals flushed and allocations forbidden.
#[inline]
pub fn process_wrapper<R>(f: impl FnOnce() -> R) -> R {
    let _flush = FlushDenormals::new();
    assert_no_alloc::assert_no_alloc(f)
}

/// While alive, the thread's floating-point unit flushes subnormal results and inputs to zero;
/// dropping it restores the previous mode. Nests.
pub struct FlushDenormals {
    saved: fpu::Mode,
}

impl FlushDenormals {
    #[inline]
    pub fn new() -> Self {
        let saved = fpu::get();
        fpu::set(saved | fpu::FLUSH);
        FlushDenormals { saved }
    }

    /// Whether the current thread flushes denormals now.
    pub fn active() -> bool {
        fpu::FLUSH != 0 && fpu::get() & fpu::FLUSH == fpu::FLUSH
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushDenormals {
    #[inline]
    fn drop(&mut self) {
        fpu::set(self.saved);
    }
}

// The asm blocks are not `nomem`: the compiler must not move the buffer reads and writes of the
// audio code across a mode switch.

#[cfg(target_arch = "x86_64")]
mod fpu {
    pub type Mode = u32;
    /// MXCSR: FTZ (bit 15) and DAZ (bit 6).
    pub const FLUSH: Mode = 0x8040;

    #[inline]
    pub fn get() -> Mode {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr stores the 32-bit MXCSR register to the given address.
        unsafe {
            core::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack, preserves_flags))
        };
        csr
    }

    #[inline]
    pub fn set(csr: Mode) {
        // SAFETY: ldmxcsr loads MXCSR; only rounding and flush bits change meaning of later
        // float operations, and `csr` comes from `get` with FTZ/DAZ bits set or restored.
        unsafe {
            core::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, readonly, preserves_flags))
        };
    }
}

#[cfg(target_arch = "aarch64")]
mod fpu {
    pub type Mode = u64;
    /// FPCR.FZ (bit 24): flushes subnormal inputs and outputs of single and double precision.
    pub const FLUSH: Mode = 1 << 24;

    #[inline]
    pub fn get() -> Mode {
        let fpcr: u64;
        // SAFETY: reading FPCR has no side effects.
        unsafe {
            core::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nostack, preserves_flags))
        };
        fpcr
    }

    #[inline]
    pub fn set(fpcr: Mode) {
        // SAFETY: writes FPCR with the flush bit set or the saved value restored.
        unsafe {
            core::arch::asm!("msr fpcr, {}", in(reg) fpcr, options(nostack, preserves_flags))
        };
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod fpu {
    // Other targets keep IEEE denormals (slower tails, same sound).
    pub type Mode = u32;
    pub const FLUSH: Mode = 0;

    pub fn get() -> Mode {
        0
    }

    pub fn set(_: Mode) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushes_inside_and_restores_after() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let half = std::hint::black_box(0.5f32);
        assert!(!FlushDenormals::active());
        assert!((tiny * half).is_subnormal(), "IEEE outside");
        let inside = process_wrapper(|| {
            assert!(FlushDenormals::active());
            // Nested wrappers leave the outer one's mode in place.
            process_wrapper(|| ());
            assert!(FlushDenormals::active());
            std::hint::black_box(tiny) * std::hint::black_box(half)
        });
        assert_eq!(inside, 0.0, "a subnormal result is flushed");
        assert!(!FlushDenormals::active());
        assert!((tiny * half).is_subnormal(), "IEEE again after");
        // Denormals-are-zero: a subnormal input counts as zero.
        let sub = std::hint::black_box(f32::from_bits(1));
        let scaled = process_wrapper(|| std::hint::black_box(sub) * std::hint::black_box(2.0f32));
        assert_eq!(scaled, 0.0);
    }
}
