//! The fidelity harness: renders presets with the real amSynth (headless, under a private JACK
//! server) and with wyrd, and measures how far apart they sound (mel-LSD).
//!
//! Modules, bottom up: [`child`] (processes that are always reaped), [`jack_server`] (a private
//! jackd), [`amsynth`] (one amSynth process), [`capture`] (our JACK sender and recorder),
//! [`rig`] (all of it together: one call, one captured note), [`cache`] (captures on disk),
//! [`measure`] (captures, wyrd renders and distances),
//! [`selection`] (which presets), [`report`] (distances and their summary).

pub mod amsynth;
pub mod cache;
pub mod capture;
pub mod child;
pub mod jack_server;
pub mod measure;
pub mod report;
pub mod rig;
pub mod selection;
