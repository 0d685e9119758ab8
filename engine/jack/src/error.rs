//! Why the JACK driver could not start or keep running, in words a musician can act on.

/// How to get a server running, for every "no server" message.
pub const START_SERVER_HINT: &str = "start a JACK server first, for example:
  on a laptop or Pi with a sound card:  jackd -d alsa -d hw:0 -r 48000 -p 128 -n 2 &
  headless, without a sound card:      jackd --no-realtime -d dummy -r 48000 -p 64 &
(`wyrd doctor` shows what wyrd finds)";

#[derive(Debug, thiserror::Error)]
pub enum JackError {
    #[error(
        "the JACK library (libjack.so.0) could not be loaded: {0}\n\
         install it with: sudo apt-get install --no-install-recommends jackd2"
    )]
    NoLibrary(String),
    #[error("no JACK server is running (server name `{0}`); {START_SERVER_HINT}")]
    NoServer(String),
    #[error("a JACK client named `{0}` is already running; pick another with --name")]
    NameTaken(String),
    #[error("JACK: {0}")]
    Jack(jack::Error),
}
