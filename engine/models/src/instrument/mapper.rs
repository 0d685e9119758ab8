//! A latent mapper: a VAE's decoder turning a point of its latent space into the patch, as it
//! moves. The point itself lives with the script (which sets it and decides when to decode);
//! this holds what the decoding needs across calls: the models and the stream's state.

use std::sync::{Arc, Mutex};

use wyrd_schema::{ParamId, Patch, NUM_PARAMS};

use crate::error::{Error, Result};
use crate::instrument::stream::PatchStream;
use crate::model::{Decoder, Encoder};

#[derive(Debug)]
pub struct Mapper {
    decoder: Arc<Decoder>,
    encoder: Option<Arc<Encoder>>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    stream: PatchStream,
    /// The patch last decoded (what the engine was sent).
    last: Option<[f32; NUM_PARAMS]>,
}

impl Mapper {
    pub fn new(decoder: Arc<Decoder>, encoder: Option<Arc<Encoder>>) -> Arc<Mapper> {
        // How the keyboard plays is the performer's choice, not a timbre: a keyboard mode
        // switch also kills every voice (as in amSynth), which a sweep must never do.
        let hold = [
            ParamId::KeyboardMode as usize,
            ParamId::PortamentoMode as usize,
        ];
        let stream = PatchStream::new(decoder.0.meta()).holding(&hold);
        Arc::new(Mapper {
            decoder,
            encoder,
            state: Mutex::new(State { stream, last: None }),
        })
    }

    pub fn latent_dim(&self) -> usize {
        self.decoder.latent_dim()
    }

    pub fn name(&self) -> String {
        crate::instrument::find::vae_name(self.decoder.0.name())
    }

    /// Decodes `z` into the next streamed patch (categoricals with hysteresis).
    pub fn decode(&self, z: &[f32]) -> Result<Box<[f32; NUM_PARAMS]>> {
        let (cont, cat) = self.decoder.decode_raw(&[z.to_vec()])?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut patch = Box::new(state.last.unwrap_or_else(wyrd_schema::defaults));
        state.stream.apply(&cont, &cat, 1.0, &mut patch);
        state.last = Some(*patch);
        Ok(patch)
    }

    /// The latent point a patch encodes to (the encoder's mean); the stream restarts there, so
    /// the first decode after it takes the categoricals as they come.
    pub fn encode(&self, patch: &Patch) -> Result<Vec<f32>> {
        let encoder = self.encoder.as_ref().ok_or_else(|| Error::NotFound {
            name: format!("{}_encoder", self.name()),
            message: format!(
                "{} has no encoder beside it, so it cannot start from a preset",
                self.decoder.0.path().display()
            ),
        })?;
        let z = encoder
            .encode(std::slice::from_ref(patch))?
            .pop()
            .unwrap_or_default();
        if z.iter().any(|v| !v.is_finite()) {
            return Err(Error::Run {
                path: encoder.0.path().to_owned(),
                message: "the encoder gave a non-finite latent point".into(),
            });
        }
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stream
            .reset();
        Ok(z)
    }

    /// The patch last decoded, if any.
    pub fn last_patch(&self) -> Option<Patch> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.last.map(|v| Patch::from_values("latent", v))
    }
}
