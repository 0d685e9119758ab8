//! Resynthesis offline: a file's input analysed exactly as the live analysis thread would
//! (the same [`LiveAnalyzer`]), frame by frame on the render's clock, so the result depends on
//! the input alone.

use std::sync::Arc;

use wyrd_analysis::live::{LiveAnalyzer, LiveConfig};
use wyrd_host::{Engine, EngineConfig};
use wyrd_render::Stereo;
use wyrd_schema::Patch;

use crate::error::{Error, Result};
use crate::live::resynth::{Resynth, ResynthConfig};
use crate::live::service::ModelHost;
use crate::model::LiveMatcher;

/// An input file played into an offline render: analysed hop by hop, each frame handed to the
/// host at the engine frame where it would be complete live.
pub struct InputFeed {
    input: Stereo,
    analyzer: LiveAnalyzer,
    pos: usize,
}

impl InputFeed {
    pub fn new(input: Stereo) -> Result<InputFeed> {
        let analyzer =
            LiveAnalyzer::new(&LiveConfig::new(input.sample_rate)).map_err(|e| Error::Input {
                message: e.to_string(),
            })?;
        Ok(InputFeed {
            input,
            analyzer,
            pos: 0,
        })
    }

    /// Input samples between frames: renders should stop at multiples of it.
    pub fn hop(&self) -> usize {
        self.analyzer.hop()
    }

    pub fn frames(&self) -> usize {
        self.input.frames()
    }

    /// Analyses the input up to engine frame `until` (silence past its end) and hands every
    /// frame completed to `host`, stamped `until`.
    pub fn advance(&mut self, until: usize, host: &ModelHost) -> Result<()> {
        if until <= self.pos {
            return Ok(());
        }
        let n = self.input.frames();
        let (a, b) = (self.pos.min(n), until.min(n));
        let silence = vec![0.0f32; until - self.pos - (b - a)];
        let mut frames = Vec::new();
        let mut collect = |f: &wyrd_analysis::live::LiveFrame| frames.push(*f);
        let bad = |e: wyrd_analysis::AnalysisError| Error::Input {
            message: e.to_string(),
        };
        self.analyzer
            .push(
                &self.input.left[a..b],
                &self.input.right[a..b],
                &mut collect,
            )
            .map_err(bad)?;
        if !silence.is_empty() {
            self.analyzer
                .push(&silence, &silence, &mut collect)
                .map_err(bad)?;
        }
        for f in &frames {
            host.feed(f, until as u64);
        }
        self.pos = until;
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
    let (mut engine, controller) = Engine::new(engine_config);
    engine.seed_noise(1);
    let host = ModelHost::inline(controller.clone());
    host.resynth_start(Resynth::new(matcher, config, *base.values()))
        .map_err(|message| Error::Input { message })?;
    let mut feed = InputFeed::new(input.clone())?;
    let hop = feed.hop();
    let total = input.frames() + (tail.max(0.0) * f64::from(sr)).round() as usize;
    let mut out = Stereo {
        left: vec![0.0; total],
        right: vec![0.0; total],
        sample_rate: sr,
    };
    let mut pos = 0;
    while pos < total {
        let next = (pos + hop).min(total);
        engine.process(
            std::iter::empty(),
            &mut out.left[pos..next],
            &mut out.right[pos..next],
        );
        controller.collect_garbage();
        // What the frames ending here decide applies from here on, as live from the next period.
        feed.advance(next, &host)?;
        pos = next;
    }
    let stats = host.stats();
    if stats.errors > 0 {
        return Err(Error::Input {
            message: format!("{} inference errors during resynthesis", stats.errors),
        });
    }
    Ok(out)
}
