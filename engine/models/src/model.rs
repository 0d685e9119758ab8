//! Opening models and running them: [`Model`] checks a file's interface against its kind, the
//! typed wrappers turn outputs into patches through the metadata's id lists.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::{Session, SessionInputValue};
use ort::value::{TensorElementType, TensorRef};
use wyrd_dataset::encode::argmax;
use wyrd_dataset::ItemSpec;
use wyrd_schema::{Patch, PARAMS};

use crate::error::{Error, Result};
use crate::meta::{ModelKind, ModelMeta};
use crate::runtime;

/// Rows per inference call: big enough to amortise the call, small enough that a test set of
/// thousands of `[141, 20]` items never needs one huge tensor.
const CHUNK: usize = 512;

/// Named float32 output tensors of one run: shape and row-major data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outputs(pub BTreeMap<String, (Vec<usize>, Vec<f32>)>);

impl Outputs {
    pub fn get(&self, name: &str) -> Option<&[f32]> {
        self.0.get(name).map(|(_, d)| d.as_slice())
    }
}

/// A validated model: its metadata matches the schema and its inputs and outputs are the ones
/// `models/FORMAT.md` gives its kind.
pub struct Model {
    path: PathBuf,
    meta: ModelMeta,
    // `Session::run` takes `&mut self`; the lock lets wrappers be shared (`&self`) by callers
    // that batch anyway.
    session: Mutex<Session>,
    inputs: Vec<(String, Vec<usize>)>,
    outputs: Vec<(String, usize)>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("path", &self.path)
            .field("kind", &self.meta.kind)
            .field("variant", &self.meta.variant)
            .finish()
    }
}

impl Model {
    /// Open and validate `path`. Never panics on a bad file: garbage, missing or mismatched
    /// metadata and a wrong interface are all errors naming the file.
    pub fn open(path: &Path) -> Result<Model> {
        // The file first: a wrong path is the likelier mistake, and it needs no runtime.
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let env = runtime::environment()?;
        let open_err = |e: ort::Error| Error::Open {
            path: path.to_owned(),
            message: e.to_string(),
        };
        // One thread per session: the model thread must never compete with the audio thread
        // for cores, and a batch of one row gains nothing from more.
        let session = Session::builder(&env)
            .map_err(open_err)?
            .with_intra_threads(1)
            .map_err(|e| open_err(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| open_err(e.into()))?
            .commit_from_memory(&bytes)
            .map_err(open_err)?;
        let props = read_props(&session).map_err(open_err)?;
        let meta = ModelMeta::from_props(path, |k| props.get(k).cloned())?;
        let (inputs, outputs) = interface(&meta);
        check_outlets(path, "input", session.inputs(), &inputs)?;
        let outs: Vec<(String, Vec<usize>)> =
            outputs.iter().map(|(n, w)| (n.clone(), vec![*w])).collect();
        check_outlets(path, "output", session.outputs(), &outs)?;
        Ok(Model {
            path: path.to_owned(),
            meta,
            session: Mutex::new(session),
            inputs,
            outputs,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file stem, e.g. `note_matcher_vae`.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn meta(&self) -> &ModelMeta {
        &self.meta
    }

    pub fn kind(&self) -> ModelKind {
        self.meta.kind
    }

    /// Input names and their per-row shapes (after the batch dimension).
    pub fn inputs(&self) -> &[(String, Vec<usize>)] {
        &self.inputs
    }

    /// Run on named inputs given as `(name, shape, data)`; every output is returned. Shapes
    /// and lengths are checked here so ONNX Runtime never sees an inconsistent tensor.
    pub fn run(&self, inputs: &[(&str, Vec<usize>, &[f32])]) -> Result<Outputs> {
        let run_err = |message: String| Error::Run {
            path: self.path.clone(),
            message,
        };
        let mut values: Vec<(Cow<'_, str>, SessionInputValue<'_>)> = Vec::new();
        for (name, shape, data) in inputs {
            if shape.iter().product::<usize>() != data.len() {
                return Err(run_err(format!(
                    "input {name}: shape {shape:?} does not hold {} values",
                    data.len()
                )));
            }
            let t = TensorRef::from_array_view((shape.clone(), *data))
                .map_err(|e| run_err(format!("input {name}: {e}")))?;
            values.push((Cow::Borrowed(*name), t.into()));
        }
        let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let out = session.run(values).map_err(|e| run_err(e.to_string()))?;
        let mut result = BTreeMap::new();
        for (name, value) in out.iter() {
            let (shape, data) = value
                .try_extract_tensor::<f32>()
                .map_err(|e| run_err(format!("output {name}: {e}")))?;
            let shape = shape.iter().map(|&d| d.max(0) as usize).collect();
            result.insert(name.to_owned(), (shape, data.to_vec()));
        }
        Ok(Outputs(result))
    }

    /// Run `rows` items whose inputs are given per row (`per_row` values each, in
    /// [`inputs`](Self::inputs) order), in chunks, concatenating each output's rows.
    fn run_rows(&self, rows: usize, data: &[&[f32]]) -> Result<Outputs> {
        let mut all: BTreeMap<String, (Vec<usize>, Vec<f32>)> = BTreeMap::new();
        let widths: Vec<usize> = self
            .inputs
            .iter()
            .map(|(_, s)| s.iter().product())
            .collect();
        for (i, (name, _)) in self.inputs.iter().enumerate() {
            if data[i].len() != rows * widths[i] {
                return Err(Error::Run {
                    path: self.path.clone(),
                    message: format!(
                        "input {name}: {} values for {rows} rows of {}",
                        data[i].len(),
                        widths[i]
                    ),
                });
            }
        }
        let mut start = 0;
        while start < rows {
            let n = CHUNK.min(rows - start);
            let chunk: Vec<(&str, Vec<usize>, &[f32])> = self
                .inputs
                .iter()
                .enumerate()
                .map(|(i, (name, shape))| {
                    let mut s = vec![n];
                    s.extend(shape);
                    let w = widths[i];
                    (name.as_str(), s, &data[i][start * w..(start + n) * w])
                })
                .collect();
            let out = self.run(&chunk)?;
            for (name, width) in &self.outputs {
                let (shape, d) = out.0.get(name).ok_or_else(|| Error::Run {
                    path: self.path.clone(),
                    message: format!("no output {name}"),
                })?;
                if shape != &[n, *width] {
                    return Err(Error::Run {
                        path: self.path.clone(),
                        message: format!(
                            "output {name} has shape {shape:?}, expected [{n}, {width}]"
                        ),
                    });
                }
                let e = all
                    .entry(name.clone())
                    .or_insert_with(|| (vec![0, *width], Vec::new()));
                e.0[0] += n;
                e.1.extend_from_slice(d);
            }
            start += n;
        }
        if rows == 0 {
            for (name, width) in &self.outputs {
                all.insert(name.clone(), (vec![0, *width], Vec::new()));
            }
        }
        Ok(Outputs(all))
    }

    /// Patches from `cont`/`cat` rows: continuous columns denormalised (clamped, snapped, NaN
    /// to the default), categoricals by argmax (ties and NaN to the first option), the rest
    /// from `base(row)`. The same semantics as `Encoding::decode`, but through this model's
    /// id lists.
    pub fn to_patches(
        &self,
        cont: &[f32],
        cat: &[f32],
        rows: usize,
        base: impl Fn(usize) -> Patch,
    ) -> Vec<Patch> {
        let (nc, nk) = (self.meta.n_cont(), self.meta.n_cat());
        (0..rows)
            .map(|r| {
                let mut p = base(r);
                let c = &cont[r * nc..(r + 1) * nc];
                for (k, &i) in self.meta.continuous.iter().enumerate() {
                    p.set(i, PARAMS[i].denormalize(f64::from(c[k])));
                }
                let s = &cat[r * nk..(r + 1) * nk];
                for g in &self.meta.groups {
                    p.set(g.index, argmax(&s[g.offset..g.offset + g.size()]) as f32);
                }
                p
            })
            .collect()
    }

    /// `x` for `patch` in this model's layout (which the metadata gives; for the shipped
    /// models it is `Encoding`'s).
    pub fn encode_x(&self, patch: &Patch) -> Vec<f32> {
        let nc = self.meta.n_cont();
        let mut x = vec![0.0; nc + self.meta.n_cat()];
        for (k, &i) in self.meta.continuous.iter().enumerate() {
            x[k] = PARAMS[i].normalize(patch.get(i)) as f32;
        }
        for g in &self.meta.groups {
            let o = PARAMS[g.index].sanitize(patch.get(g.index)) as usize;
            x[nc + g.offset + o.min(g.size() - 1)] = 1.0;
        }
        x
    }

    fn expect(self, kind: ModelKind) -> Result<Model> {
        if self.meta.kind != kind {
            return Err(Error::meta(
                &self.path,
                "wyrd.kind",
                format!("is {}, expected {}", self.meta.kind.as_str(), kind.as_str()),
            ));
        }
        Ok(self)
    }
}

fn read_props(session: &Session) -> ort::Result<HashMap<String, String>> {
    let meta = session.metadata()?;
    let mut props = HashMap::new();
    for key in meta.custom_keys()? {
        if let Some(v) = meta.custom(&key) {
            props.insert(key, v);
        }
    }
    Ok(props)
}

/// A tensor's name and per-row shape.
type Named = (String, Vec<usize>);

/// Inputs (name, per-row shape) and outputs (name, width) of `meta`'s kind.
fn interface(meta: &ModelMeta) -> (Vec<Named>, Vec<(String, usize)>) {
    let spec = ItemSpec::default();
    let n_mfcc = spec.n_mfcc();
    let d = meta.latent_dim.unwrap_or(0);
    let s = |n: &str| n.to_owned();
    let heads = vec![(s("cont"), meta.n_cont()), (s("cat"), meta.n_cat())];
    match meta.kind {
        ModelKind::VaeDecoder => (vec![(s("z"), vec![d])], heads),
        ModelKind::VaeEncoder => (
            vec![(s("x"), vec![meta.n_cont() + meta.n_cat()])],
            vec![(s("z_mean"), d)],
        ),
        ModelKind::NoteMatcher => {
            let mut outs = heads;
            if meta.variant == "vae" {
                outs.push((s("z"), d));
            }
            (
                vec![
                    (s("mfcc"), vec![spec.mfcc_frames(), n_mfcc]),
                    (s("note"), vec![1]),
                ],
                outs,
            )
        }
        ModelKind::LiveMatcher => (
            vec![(s("mfcc"), vec![spec.window, n_mfcc]), (s("note"), vec![1])],
            heads,
        ),
    }
}

/// The graph's inputs (or outputs) must be exactly `expected`: float32, a dynamic batch
/// dimension, then the given sizes (a dynamic size is accepted, a different fixed one is not).
fn check_outlets(
    path: &Path,
    what: &str,
    outlets: &[ort::value::Outlet],
    expected: &[(String, Vec<usize>)],
) -> Result<()> {
    let names: Vec<&str> = outlets.iter().map(|o| o.name()).collect();
    let want: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    let mut sorted_names = names.clone();
    sorted_names.sort_unstable();
    let mut sorted_want = want.clone();
    sorted_want.sort_unstable();
    if sorted_names != sorted_want {
        return Err(Error::interface(
            path,
            format!("{what}s are {names:?}, expected {want:?} for this kind of model"),
        ));
    }
    for (name, dims) in expected {
        let outlet = outlets.iter().find(|o| o.name() == name).expect("checked");
        let ty = outlet.dtype();
        let (Some(shape), Some(elem)) = (ty.tensor_shape(), ty.tensor_type()) else {
            return Err(Error::interface(
                path,
                format!("{what} {name} is not a tensor"),
            ));
        };
        if elem != TensorElementType::Float32 {
            return Err(Error::interface(
                path,
                format!("{what} {name} is {elem:?}, expected float32"),
            ));
        }
        let bad_shape = || {
            let dims_s: Vec<String> = dims
                .iter()
                .map(|d| if *d == 0 { "?".into() } else { d.to_string() })
                .collect();
            Error::interface(
                path,
                format!(
                    "{what} {name} has shape {:?}, expected [B, {}] (B dynamic)",
                    &shape[..],
                    dims_s.join(", ")
                ),
            )
        };
        if shape.len() != dims.len() + 1 || shape[0] >= 0 {
            return Err(bad_shape());
        }
        // 0 in `dims` stands for "any" (output widths are checked on every run instead).
        for (&got, &want) in shape[1..].iter().zip(dims) {
            if got >= 0 && want != 0 && got as usize != want {
                return Err(bad_shape());
            }
        }
    }
    Ok(())
}

/// `vae_decoder`: latent vectors to patches.
#[derive(Debug)]
pub struct Decoder(pub Model);

impl Decoder {
    pub fn open(path: &Path) -> Result<Self> {
        Model::open(path)?.try_into()
    }

    pub fn latent_dim(&self) -> usize {
        self.0.meta.latent_dim.unwrap_or(0)
    }

    /// Raw `cont` and `cat` rows for `z` (one latent vector per row).
    pub fn decode_raw(&self, z: &[Vec<f32>]) -> Result<(Vec<f32>, Vec<f32>)> {
        let flat = flatten(&self.0.path, z, self.latent_dim())?;
        let out = self.0.run_rows(z.len(), &[&flat])?;
        Ok(take2(out))
    }

    pub fn decode(&self, z: &[Vec<f32>]) -> Result<Vec<Patch>> {
        let (cont, cat) = self.decode_raw(z)?;
        Ok(self.0.to_patches(&cont, &cat, z.len(), |_| default_patch()))
    }
}

/// `vae_encoder`: patches to their latent means.
#[derive(Debug)]
pub struct Encoder(pub Model);

impl Encoder {
    pub fn open(path: &Path) -> Result<Self> {
        Model::open(path)?.try_into()
    }

    pub fn latent_dim(&self) -> usize {
        self.0.meta.latent_dim.unwrap_or(0)
    }

    pub fn encode(&self, patches: &[Patch]) -> Result<Vec<Vec<f32>>> {
        let x: Vec<f32> = patches.iter().flat_map(|p| self.0.encode_x(p)).collect();
        let out = self.0.run_rows(patches.len(), &[&x])?;
        let z = out.get("z_mean").unwrap_or_default();
        Ok(z.chunks(self.latent_dim().max(1))
            .map(<[f32]>::to_vec)
            .collect())
    }
}

/// `note_matcher`: a note's MFCCs `[T, 20]` and its MIDI note to a patch.
#[derive(Debug)]
pub struct NoteMatcher(pub Model);

impl NoteMatcher {
    pub fn open(path: &Path) -> Result<Self> {
        Model::open(path)?.try_into()
    }

    /// Raw outputs for `notes.len()` items, `mfcc` holding `[T, 20]` per item.
    pub fn predict_raw(&self, mfcc: &[f32], notes: &[f32]) -> Result<Outputs> {
        self.0.run_rows(notes.len(), &[mfcc, notes])
    }

    pub fn predict_batch(&self, mfcc: &[f32], notes: &[f32]) -> Result<Vec<Patch>> {
        let out = self.predict_raw(mfcc, notes)?;
        let (cont, cat) = take2(out);
        Ok(self
            .0
            .to_patches(&cont, &cat, notes.len(), |_| default_patch()))
    }

    pub fn predict(&self, mfcc: &[f32], note: u8) -> Result<Patch> {
        Ok(self
            .predict_batch(mfcc, &[f32::from(note)])?
            .pop()
            .unwrap_or_else(default_patch))
    }
}

/// `live_matcher`: a window `[10, 20]` of streamed MFCCs to the timbre subset of a patch.
#[derive(Debug)]
pub struct LiveMatcher(pub Model);

impl LiveMatcher {
    pub fn open(path: &Path) -> Result<Self> {
        Model::open(path)?.try_into()
    }

    /// Schema indices the model sets; the others keep the running patch's values.
    pub fn outputs(&self) -> Vec<usize> {
        self.0.meta.param_indices()
    }

    /// Raw `cont` and `cat` rows (the subset) for `notes.len()` windows of `[10, 20]`.
    pub fn predict_raw(&self, windows: &[f32], notes: &[f32]) -> Result<(Vec<f32>, Vec<f32>)> {
        let out = self.0.run_rows(notes.len(), &[windows, notes])?;
        Ok(take2(out))
    }

    /// Frames per window the model reads.
    pub fn window(&self) -> usize {
        self.0
            .inputs
            .first()
            .and_then(|(_, s)| s.first().copied())
            .unwrap_or(ItemSpec::default().window)
    }

    pub fn predict_batch(
        &self,
        windows: &[f32],
        notes: &[f32],
        bases: &[Patch],
    ) -> Result<Vec<Patch>> {
        if bases.len() != notes.len() {
            return Err(Error::Run {
                path: self.0.path.clone(),
                message: format!("{} bases for {} windows", bases.len(), notes.len()),
            });
        }
        let out = self.0.run_rows(notes.len(), &[windows, notes])?;
        let (cont, cat) = take2(out);
        Ok(self
            .0
            .to_patches(&cont, &cat, notes.len(), |r| bases[r].clone()))
    }

    pub fn predict(&self, window: &[f32], note: u8, base: &Patch) -> Result<Patch> {
        Ok(self
            .predict_batch(window, &[f32::from(note)], std::slice::from_ref(base))?
            .pop()
            .unwrap_or_else(|| base.clone()))
    }
}

macro_rules! typed {
    ($t:ident, $kind:expr) => {
        impl TryFrom<Model> for $t {
            type Error = Error;
            fn try_from(m: Model) -> Result<Self> {
                Ok($t(m.expect($kind)?))
            }
        }
    };
}
typed!(Decoder, ModelKind::VaeDecoder);
typed!(Encoder, ModelKind::VaeEncoder);
typed!(NoteMatcher, ModelKind::NoteMatcher);
typed!(LiveMatcher, ModelKind::LiveMatcher);

fn default_patch() -> Patch {
    Patch::from_values("matched", wyrd_schema::defaults())
}

fn take2(mut out: Outputs) -> (Vec<f32>, Vec<f32>) {
    let mut take = |n: &str| out.0.remove(n).map(|(_, d)| d).unwrap_or_default();
    (take("cont"), take("cat"))
}

fn flatten(path: &Path, rows: &[Vec<f32>], width: usize) -> Result<Vec<f32>> {
    if let Some(r) = rows.iter().find(|r| r.len() != width) {
        return Err(Error::Run {
            path: path.to_owned(),
            message: format!("a latent vector has {} values, expected {width}", r.len()),
        });
    }
    Ok(rows.concat())
}
