use std::path::Path;
use wyrd_fidelity::capture::{Job, MidiEvent};
use wyrd_fidelity::rig::{Rig, RigOptions};
fn main() -> anyhow::Result<()> {
    let bank = "/tmp/test.bank";
    std::fs::write(bank, "amSynth\n<preset> <name> square\n<parameter> amp_attack 0\n<parameter> amp_decay 0\n<parameter> amp_sustain 1\n<parameter> amp_release 0\n<parameter> osc1_waveform 1\n<parameter> osc1_pulsewidth 0\n<parameter> osc_mix -1\n<parameter> filter_type 4\n<parameter> reverb_wet 0\n<parameter> master_vol 0.3\n<parameter> amp_vel_sens 0\n<parameter> filter_vel_sens 0\nEOF\n")?;
    let mut rig = Rig::start(RigOptions::default())?;
    let p = rig.preroll();
    let hold = 4800u32;
    for off in [0u32, 1, 100, 255, 256 * 3 + 17] {
        let on = p + off;
        let job = Job { events: vec![MidiEvent::note_on(on, 60, 100), MidiEvent::note_off(on + hold, 60)], record_from: on, record_len: 9600 };
        let s = rig.run_job(Path::new(bank), 0, &job)?;
        let first = s.left.iter().position(|x| *x != 0.0);
        let peak = s.left.iter().fold(0f32, |a, x| a.max(x.abs()));
        let half_on = s.left.iter().position(|x| x.abs() > peak / 2.0);
        let half_off = s.left[hold as usize - 100..].iter().position(|x| x.abs() < peak / 2.0).map(|i| i + hold as usize - 100);
        let last = s.left.iter().rposition(|x| x.abs() > 1e-4);
        eprintln!("offset {off}: first nonzero {first:?} half-on {half_on:?} half-off {half_off:?} last>1e-4 {last:?} peak {peak} head {:?}", &s.left[..6]);
        eprintln!("   around off {:?}", &s.left[hold as usize - 2..hold as usize + 30].iter().map(|x| (x * 1000.0).round() / 1000.0).collect::<Vec<_>>());
    }
    Ok(())
}
