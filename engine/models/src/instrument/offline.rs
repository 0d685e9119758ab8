//! The models offline: the input as they hear it, and resynthesis of a file (`wyrd resynth`).
//! The input is analysed exactly as the live analysis thread would (the same
//! [`LiveAnalyzer`]), frame by frame on the offline driver's clock, so the result depends on
//! the input alone.

use std::sync::Arc;

use wyrd_analysis::live::{LiveAnalyzer, LiveConfig, LiveFrame};
use wyrd_engine::offline::MAX_CHUNK;
use wyrd_engine::{EngineConfig, InputReader, Offline, Timeline};
use wyrd_render::Stereo;
use wyrd_schema::Patch;

use crate::error::{Error, Result};
use crate::instrument::resynth::{Resynth, ResynthConfig};
use crate::instrument::runner::ModelRunner;
use crate::model::LiveMatcher;

/// The model runner's ear on an offline render: after every chunk it reads what the driver
/// played into the input, analyses it hop by hop and hands each completed frame to the host,
/// stamped with the engine frame where it would be complete live.
pub struct Listener {
    analyzer: LiveAnalyzer,
    host: Arc<ModelRunner>,
    read: [Vec<f32>; 2],
    frames: Vec<LiveFrame>,
}

impl Listener {
    pub fn new(sample_rate: u32, host: Arc<ModelRunner>) -> Result<Listener> {
        let analyzer =
            LiveAnalyzer::new(&LiveConfig::new(sample_rate)).map_err(|e| Error::Input {
                message: e.to_string(),
            })?;
        let n = 2 * MAX_CHUNK as usize;
        Ok(Listener {
            analyzer,
            host,
            read: [vec![0.0; n], vec![0.0; n]],
            frames: Vec::new(),
        })
    }
}

impl Timeline for Listener {
    /// Input frames complete at multiples of the hop: a chunk never spans one, so what the
    /// frames ending there decide applies from there on, as live from the next period.
    fn grid(&self) -> Option<u64> {
        Some(self.analyzer.hop() as u64)
    }

    fn heard(&mut self, input: &mut InputReader, frame: u64) -> std::result::Result<(), String> {
        let [l, r] = &mut self.read;
        let frames = &mut self.frames;
        loop {
            let n = input.read(l, r);
            if n == 0 {
                break;
            }
            self.analyzer
                .push(&l[..n], &r[..n], &mut |f: &LiveFrame| frames.push(*f))
                .map_err(|e| format!("input: {e}"))?;
        }
        for f in frames.drain(..) {
            self.host.feed(&f, frame);
        }
        Ok(())
    }
}

/// `wyrd resynth`: the input resynthesised through the live matcher onto `base`, with `tail`
/// seconds after the input ends. Deterministic: the same input gives the same samples.
pub fn resynth_file(
    input: &Stereo,
    matcher: Arc<LiveMatcher>,
    config: ResynthConfig,
    base: &Patch,
    tail: f64,
) -> Result<Stereo> {
    let sr = input.sample_rate;
    let mut engine_config = EngineConfig::new(sr);
    engine_config.patch = base.clone();
    engine_config.queue_capacity = 1 << 14;
    let mut offline =
        Offline::new(engine_config).with_input(input.left.clone(), input.right.clone());
    offline.engine_mut().seed_noise(1);
    let host = Arc::new(ModelRunner::inline(offline.controller().clone()));
    host.resynth_start(Resynth::new(matcher, config, *base.values()))
        .map_err(|message| Error::Input { message })?;
    let mut listener = Listener::new(sr, Arc::clone(&host))?;
    let total = input.frames() + (tail.max(0.0) * f64::from(sr)).round() as usize;
    let [left, right] = offline
        .render_frames(&mut listener, total)
        .map_err(|message| Error::Input { message })?;
    let stats = host.stats();
    if stats.errors > 0 {
        return Err(Error::Input {
            message: format!("{} inference errors during resynthesis", stats.errors),
        });
    }
    Ok(Stereo {
        left,
        right,
        sample_rate: sr,
    })
}
