//! The JACK driver: wyrd's engine inside a JACK client. Ports, MIDI in, the input ring and
//! autoconnect; the period itself is `wyrd_engine::AudioThread`, the same the offline driver
//! runs.
//!
//! The process callback only renders: every allocation, lock, log line and file happens on
//! other threads, and heap data that reaches the callback in a command leaves it again through
//! the garbage queue to be freed by [`JackDriver::maintain`].

mod driver;
mod error;

pub use driver::{
    autoconnect, open_client, server_name, JackDriver, JackOptions, PortNames, AUDIO_TYPE,
    MIDI_TYPE,
};
pub use error::{JackError, START_SERVER_HINT};
