//! The fidelity harness: renders presets with the real amSynth (headless, under a private JACK
//! server) and with wyrd, and measures how far apart they sound (mel-LSD).
//!
//! Modules, bottom up (processes and the private jackd come from `wyrd-jackd`): [`amsynth`] (one amSynth process), our JACK sender and recorder (`wyrd_testrig::Capturer`),
//! [`rig`] (all of it together: one call, one captured note), [`cache`] (captures on disk),
//! [`measure`] (captures, wyrd renders and distances),
//! [`selection`] (which presets), [`report`] (distances and their summary).
//!
//! Running (needs `apt-get install --no-install-recommends jackd2 amsynth` and
//! `./setup.sh banks`):
//!
//! ```text
//! cargo run --release -p wyrd-fidelity -- --out out/fidelity/report.md      # 100 presets
//! cargo run --release -p wyrd-fidelity -- --bank data/amsynth/banks/BriansBank02.amSynth.bank \
//!     --preset 5 --note 48 --wav-dir out/fidelity/wav                          # one preset, WAVs
//! WYRD_FIDELITY=1 cargo test -p wyrd-fidelity                                 # + amSynth tests
//! ```
//!
//! amSynth captures are cached under `data/fidelity/amsynth` (or `$WYRD_DATA/fidelity/amsynth`),
//! so after the first run (about a minute) a rerun only renders wyrd; `--refresh` renders
//! amSynth again.

pub mod amsynth;
pub mod cache;
pub mod measure;
pub mod report;
pub mod rig;
pub mod selection;
