//! norns' libraries and globals inside a loaded script, on wyrd's clock: require paths,
//! lattice and pattern_time timing, the CLOCK system params, transport callbacks, and the
//! devices a norns with nothing attached has (grid, crow, softcut).

mod common;

use common::*;

/// Frames per beat at the default 120 bpm.
const BEAT: u64 = SR as u64 / 2;

/// What a REPL line prints and returns, at frame `frame`.
fn repl_at(b: &mut Bench, line: &str, frame: u64) -> String {
    let r = b.runtime.repl(line, at(frame));
    assert!(r.ok, "{line}: {}", r.output);
    r.output
}

#[test]
fn norns_require_and_include_paths_resolve() {
    let s = Script::new(
        "main",
        r#"
        local own = require 'main/lib/helper'      -- a script's own lib, norns style
        local other = require 'other/lib/shared'   -- another script's lib, from the scripts root
        local lfo_lib = require 'lib/lfo'          -- wyrd's lib, by norns' lib/ path
        local inc = include('lib/helper')          -- include from the script's folder
        local seq = require 'sequins'
        results = table.concat({ own.name, other.name, type(lfo_lib), inc.name,
          tostring(seq.is_sequins(seq{1})), tostring(require 'tabutil' == tab) }, ',')
        -- norns' names of the core modules give the very modules wyrd's startup loaded
        same = tostring(require 'core/clock' == clock and require 'core/metro' == metro
          and require 'lib/util' == util and require 'core/params/number' == require 'core/params/number'
          and require 'core/tabutil' == tab)
        local ok, err = pcall(require, 'hotswap')
        missing = err
        "#,
    );
    let lib = s.dir.path().join("main/lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("helper.lua"), "return { name = 'helper' }").unwrap();
    let other = s.dir.path().join("other/lib");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("shared.lua"), "return { name = 'shared' }").unwrap();
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    assert_eq!(
        b.eval("results"),
        "\"helper,shared,table,helper,true,true\""
    );
    assert_eq!(b.eval("same"), "\"true\"");
    let missing = b.eval("missing");
    assert!(
        missing.contains("'hotswap' is a norns library that wyrd does not have"),
        "{missing}"
    );
}

#[test]
fn norns_state_and_paths_follow_the_script() {
    let s = Script::new("song", "");
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    let root = std::fs::canonicalize(s.dir.path()).unwrap();
    let root = root.display();
    assert_eq!(b.eval("_path.code"), format!("\"{root}/\""));
    assert_eq!(b.eval("norns.state.path"), format!("\"{root}/song/\""));
    assert_eq!(b.eval("norns.state.lib"), format!("\"{root}/song/lib/\""));
    assert_eq!(b.eval("norns.state.shortname"), "\"song\"");
    assert_eq!(b.eval("norns.state.data"), b.eval("_path.this.data"));
    assert_eq!(b.eval("norns.state.data == params.data_dir .. '/'"), "true");
    assert_eq!(b.eval("_menu.mode"), "false");
    assert_eq!(b.eval("type(norns.version.update)"), "\"string\"");
}

#[test]
fn lattice_sprockets_fire_on_their_beats_on_wyrds_clock() {
    let s = Script::new(
        "lat",
        r#"
        local lattice = require 'lattice'
        quarters, sixteenths, frames = {}, 0, {}
        function init()
          local l = lattice:new{}
          l:new_sprocket{ division = 1/4, action = function()
            quarters[#quarters + 1] = string.format('%g', clock.get_beats())
            frames[#frames + 1] = _wyrd.frame()
          end }
          l:new_sprocket{ division = 1/16, action = function() sixteenths = sixteenths + 1 end }
          swung = {}
          l:new_sprocket{ division = 1/8, swing = 75, action = function()
            swung[#swung + 1] = string.format('%g', clock.get_beats())
          end }
          l:start()
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(4 * BEAT);
    assert_eq!(b.eval("table.concat(quarters, ' ')"), "\"0 1 2 3 4\"");
    assert_eq!(
        b.eval("table.concat(frames, ' ')"),
        format!("\"0 {} {} {} {}\"", BEAT, 2 * BEAT, 3 * BEAT, 4 * BEAT)
    );
    assert_eq!(b.eval("sixteenths"), "17");
    // 75 % swing on eighths: the off-beat eighth comes 3/4 of a beat after the downbeat.
    assert_eq!(
        b.eval("table.concat(swung, ' ')"),
        "\"0 0.75 1 1.75 2 2.75 3 3.75 4\""
    );
}

#[test]
fn clock_tempo_is_wyrds_tempo_and_calls_the_tempo_handler() {
    let s = Script::new(
        "tempo",
        r#"
        changes = {}
        function init()
          clock.tempo_change_handler = function(bpm) changes[#changes + 1] = bpm end
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    assert_eq!(b.eval("params:get('clock_tempo')"), "120");
    b.eval("params:set('clock_tempo', 90)");
    assert_eq!(b.eval("clock.get_tempo()"), "90");
    assert_eq!(b.eval("table.concat(changes, ',')"), "\"90\"");
    // however the tempo changes, the param shows it
    b.eval("clock.set_tempo(140)");
    assert_eq!(b.eval("params:get('clock_tempo')"), "140");
    assert_eq!(b.eval("params:string('clock_tempo')"), "\"140\"");
    b.eval("params:delta('clock_tempo', 2)");
    assert_eq!(b.eval("clock.get_tempo()"), "142");
    // only the internal source: another choice prints a note and stays internal
    let out = repl_at(&mut b, "params:set('clock_source', 3)", 0);
    assert!(out.contains("only the internal clock source"), "{out}");
    assert_eq!(b.eval("params:string('clock_source')"), "\"internal\"");
    // the CLOCK group as norns has it; none of it goes into psets
    assert_eq!(b.eval("params:get('CLOCK')"), "29");
    assert_eq!(b.eval("params:get('link_quantum')"), "4");
    assert_eq!(b.eval("params:visible('clock_midi_out_1')"), "false");
    assert_eq!(b.eval("params:get('output_level')"), "0");
    std::fs::create_dir_all(s.dir.path().join("tempo/data")).unwrap();
    let path = b.eval("params:write(1)");
    let path = path.trim_matches('"');
    let pset = std::fs::read_to_string(path).unwrap();
    for id in ["clock_tempo", "clock_source", "output_level", "reverb"] {
        assert!(
            !pset.contains(&format!("\"{id}\"")),
            "{id} in the pset:\n{pset}"
        );
    }
}

#[test]
fn clock_reset_and_internal_start_stop_call_the_transport_callbacks() {
    let s = Script::new(
        "transport",
        r#"
        starts, stops = 0, 0
        function init()
          clock.transport.start = function() starts = starts + 1 end
          clock.transport.stop = function() stops = stops + 1 end
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.eval("params:set('clock_reset', 1)");
    assert_eq!(b.eval("starts"), "1");
    b.eval("clock.internal.stop()");
    b.eval("clock.internal.start()");
    assert_eq!(b.eval("starts .. ',' .. stops"), "\"2,1\"");
    // a lattice's hard restart resets the clock through the param, as on norns
    b.eval("local l = (require 'lattice'):new{} l:hard_restart() l:destroy()");
    assert_eq!(b.eval("starts"), "3");
}

#[test]
fn pattern_time_plays_back_what_it_recorded_on_the_clock() {
    let s = Script::new(
        "pat",
        r#"
        local pattern_time = require 'pattern_time'
        played = {}
        function init()
          pat = pattern_time.new()
          pat.process = function(e) played[#played + 1] = e .. '@' .. _wyrd.frame() end
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    repl_at(&mut b, "pat:rec_start() pat:watch('a')", 0);
    repl_at(&mut b, "pat:watch('b')", 12_000);
    repl_at(&mut b, "pat:rec_stop() pat:start()", 48_000);
    b.run_to(48_000 + 96_000);
    assert_eq!(
        b.eval("table.concat(played, ' ')"),
        "\"a@48000 b@60000 a@96000 b@108000 a@144000\""
    );
}

#[test]
fn devices_are_absent_and_softcut_warns_once() {
    let s = Script::new(
        "devs",
        r#"
        function init()
          g = grid.connect()
          g:led(1, 1, 15) g:refresh()
          a = arc.connect()
          a:segment(1, 0, 1, 15) a:refresh()
          crow.output[1].volts = 5
          crow.ii.jf.play_note(1, 5)
          audio.level_cut(1)
          audio.rev_on()
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    assert_eq!(b.eval("g.cols .. 'x' .. g.rows"), "\"0x0\"");
    assert_eq!(b.eval("#grid.vports .. ',' .. #arc.vports"), "\"4,4\"");
    assert_eq!(b.eval("crow.connected()"), "false");
    let first = repl_at(&mut b, "softcut.enable(1, 1) softcut.rate(1, 1)", 0);
    assert_eq!(first, "softcut is not in wyrd yet; its calls do nothing\n");
    let again = repl_at(&mut b, "softcut.level(1, 1) softcut.play(1, 1)", 0);
    assert_eq!(again, "", "the warning comes once per script load");
    assert!(b.runtime.errors().is_empty(), "{:?}", b.runtime.errors());
}

#[test]
fn beatclock_steps_four_times_a_beat_on_its_metro() {
    let s = Script::new(
        "bc",
        r#"
        local BeatClock = require 'beatclock'
        steps = {}
        function init()
          bc = BeatClock.new()
          bc.on_step = function() steps[#steps + 1] = bc.beat .. '.' .. bc.step .. '@' .. _wyrd.frame() end
          bc:bpm_change(120)
          bc:start()
        end
        "#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    // 24 ticks a beat (1000 frames at 120 bpm), a step every 6: the first on the first tick.
    b.run_to(BEAT + 1000);
    assert_eq!(
        b.eval("table.concat(steps, ' ')"),
        "\"0.0@1000 0.1@7000 0.2@13000 0.3@19000 1.0@25000\""
    );
    b.eval("bc:stop()");
    b.run_to(3 * BEAT);
    assert_eq!(b.eval("#steps"), "5");
}
