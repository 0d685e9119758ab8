//! Loading, reloading, the REPL and the norns surface, driven by hand on a runtime.

mod common;

use common::*;

const COUNTER: &str = r#"
function init()
  ticks = 0
  clock.run(function()
    while true do
      clock.sync(1)
      ticks = ticks + 1
    end
  end)
end
function cleanup()
  local f = io.open(params.data_dir .. '/../cleaned-' .. params.script_name, 'w')
  f:write('yes') f:close()
end
"#;

#[test]
fn a_broken_reload_keeps_the_old_script_running() {
    let s = Script::new("keep", COUNTER);
    std::fs::create_dir_all(s.dir.path().join("keep/data")).unwrap();
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(2 * 24_000);
    assert_eq!(b.eval("ticks"), "2");

    // A syntax error: reported with file:line, nothing changes.
    std::fs::write(&s.file, "function init()\n  x = = 1\nend\n").unwrap();
    let err = b.load(&s.file).unwrap_err();
    assert!(err.contains("keep.lua:2:"), "{err}");
    // A runtime error in init: the same.
    std::fs::write(
        &s.file,
        "function init()\n  ticks = 100\n  nothing()\nend\n",
    )
    .unwrap();
    let err = b.load(&s.file).unwrap_err();
    assert!(
        err.contains("keep.lua:3:") && err.contains("nothing"),
        "{err}"
    );
    assert!(err.contains("stack traceback"), "{err}");
    b.run_to(4 * 24_000);
    assert_eq!(b.eval("ticks"), "4", "the old clock stopped or was touched");
    assert!(!s.dir.path().join("keep/cleaned-keep").exists());

    // A good reload: the old script's cleanup runs, globals start fresh, old clocks stop.
    std::fs::write(&s.file, "function init() fresh = ticks == nil end").unwrap();
    b.load(&s.file).unwrap();
    assert!(s.dir.path().join("keep/cleaned-keep").exists());
    assert_eq!(b.eval("fresh"), "true");
    assert_eq!(
        b.runtime.next_due(),
        None,
        "a clock of the old script survived"
    );
}

#[test]
fn a_cancelled_clock_never_wakes() {
    let s = Script::new(
        "cancel",
        r#"
        function init()
          woke, other = 0, 0
          victim = clock.run(function() while true do clock.sync(1) woke = woke + 1 end end)
          -- Cancels on the very frame the victim is due (beat 3), after it was scheduled.
          clock.run(function() clock.sync(3) clock.cancel(victim) end)
          -- A clock that cancels itself mid-run.
          self_id = clock.run(function()
            clock.sleep(0.1)
            other = other + 1
            clock.cancel(self_id)
            clock.sleep(0.1)
            other = other + 100
          end)
        end"#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(10 * 24_000);
    assert_eq!(b.eval("woke"), "2");
    assert_eq!(b.eval("other"), "1");
    assert_eq!(b.eval("#clock.running()"), "0");
}

#[test]
fn sync_follows_norns_grid_rules() {
    let s = Script::new(
        "grid",
        r#"
        function init()
          seen = {}
          clock.run(function()
            clock.sleep(0.3)            -- beat 0.6 at 120 bpm
            clock.sync(1)               -- next whole beat: 1
            seen[#seen + 1] = clock.get_beats()
            clock.sync(1)               -- from a grid point, the next one: 2
            seen[#seen + 1] = clock.get_beats()
            clock.sync(4, 0.5)          -- next 4k + 0.5: 4.5
            seen[#seen + 1] = clock.get_beats()
            clock.sync(1/3)             -- 4.6666...
            seen[#seen + 1] = clock.get_beats()
            frame_at_end = _wyrd.frame()
          end)
        end"#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(10 * 24_000);
    assert_eq!(
        b.eval("table.concat(seen, ' ')"),
        "\"1.0 2.0 4.5 4.6666666666667\""
    );
    // 14/3 beats at 24000 frames per beat.
    assert_eq!(b.eval("frame_at_end"), "112000");
}

#[test]
fn the_repl_tries_return_first_and_waits_for_incomplete_chunks() {
    let mut b = Bench::start();
    let r = b.runtime.repl("1 + 2", at(0));
    assert_eq!((r.output.as_str(), r.ok, r.more), ("3\n", true, false));
    let r = b.runtime.repl("for i = 1, 3 do", at(0));
    assert!(r.more && r.ok && r.output.is_empty());
    let r = b.runtime.repl("print('n', i)", at(0));
    assert!(r.more);
    let r = b.runtime.repl("end", at(0));
    assert_eq!((r.output.as_str(), r.more), ("n\t1\nn\t2\nn\t3\n", false));
    let r = b.runtime.repl("nope.x", at(0));
    assert!(!r.ok && r.output.contains("nope"), "{}", r.output);
    let r = b.runtime.repl("x = = 2", at(0));
    assert!(!r.ok && !r.more, "{}", r.output);
    // After an error the REPL is clean again.
    assert_eq!(b.eval("'still' .. ' here'"), "\"still here\"");
    // A runaway line is interrupted.
    let r = b.runtime.repl("while true do end", at(0));
    assert!(!r.ok && r.output.contains("runaway"), "{}", r.output);
}

/// What a new user met at the REPL: a syntax error that printed nothing, `print` twice, a
/// continued call's value lost, and an error glued to the next output.
#[test]
fn the_repl_shows_every_error_each_output_once_and_continued_values() {
    let mut b = Bench::start();
    for bad in ["x = = 1", "local y = = 2"] {
        let r = b.runtime.repl(bad, at(0));
        assert!(!r.ok && !r.more, "{bad}: {r:?}");
        assert!(
            r.output.contains("unexpected symbol"),
            "{bad}: {:?}",
            r.output
        );
        assert!(r.output.ends_with('\n'), "{bad}: {:?}", r.output);
    }
    let r = b.runtime.repl("print('x')", at(0));
    assert_eq!(r.output, "x\n");
    b.runtime
        .exec("function bump() n = (n or 0) + 1 return n end", at(0))
        .unwrap();
    let r = b.runtime.repl("bump(", at(0));
    assert!(r.more, "{r:?}");
    let r = b.runtime.repl(")", at(0));
    assert_eq!((r.output.as_str(), r.ok, r.more), ("1\n", true, false));
    // A continued statement still runs as a statement.
    assert!(b.runtime.repl("z = bump(", at(0)).more);
    let r = b.runtime.repl(")", at(0));
    assert!(r.ok && r.output.is_empty(), "{r:?}");
    assert_eq!(b.eval("z"), "2");
    let r = b.runtime.repl("error('boom')", at(0));
    assert!(!r.ok && r.output.ends_with('\n'), "{:?}", r.output);
    let r = b.runtime.eval("= = =", at(0));
    assert!(!r.ok && r.output.ends_with('\n'), "{:?}", r.output);
}

#[test]
fn include_and_require_search_the_script_folder_then_wyrds_lib() {
    let s = Script::new(
        "inc",
        r#"
        local helper = include('lib/helper')
        local mod = require 'mod'
        local mu = require 'musicutil'
        function init()
          answer = helper.double(mod.value) + mu.note_name_to_num('C4')
        end"#,
    );
    let lib = s.dir.path().join("inc/lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(
        lib.join("helper.lua"),
        "return { double = function(x) return 2 * x end }",
    )
    .unwrap();
    std::fs::write(lib.join("mod.lua"), "return { value = 21 }").unwrap();
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    assert_eq!(b.eval("answer"), "102");
    let r = b.runtime.repl("include('missing/thing')", at(0));
    assert!(
        !r.ok && r.output.contains("no file 'missing/thing'"),
        "{}",
        r.output
    );
}

#[test]
fn every_synth_parameter_is_a_param_and_an_engine_command() {
    let mut b = Bench::start();
    // norns' system params come first; the synth's group holds its 41.
    assert_eq!(
        b.eval("params:get('synth')"),
        wyrd_schema::NUM_PARAMS.to_string(),
        "the synth group holds the 41 params"
    );
    // engine.x sets the engine and silently updates the param (snapped to the schema's grid).
    assert_eq!(b.eval("engine.osc1_pulsewidth(0.25)"), "0.25");
    assert_eq!(b.eval("params:get('osc1_pulsewidth')"), "0.25");
    assert_eq!(b.eval("engine.master_vol(7)"), "1", "clamped to the range");
    // Option params are 1-based and name the schema's options.
    b.eval("params:set('filter_type', 2)");
    assert_eq!(b.eval("params:string('filter_type')"), "\"highpass\"");
    // Errors name the problem.
    let r = b.runtime.repl("engine.no_such_thing(1)", at(0));
    assert!(
        !r.ok && r.output.contains("no command 'no_such_thing'"),
        "{}",
        r.output
    );
    let r = b.runtime.repl("engine.filter_cutoff('loud')", at(0));
    assert!(
        !r.ok && r.output.contains("must be a number"),
        "{}",
        r.output
    );
    let r = b.runtime.repl("engine.note_on(200)", at(0));
    assert!(!r.ok && r.output.contains("0..127"), "{}", r.output);
    let listed = b.runtime.repl("engine.list_commands()", at(0)).output;
    assert!(
        listed.contains("note_on") && listed.contains("filter_cutoff"),
        "{listed}"
    );
}

#[test]
fn osc_messages_reach_osc_event_with_their_arguments() {
    let s = Script::new(
        "oscin",
        r#"
        function init() got = {} end
        function osc.event(path, args, from)
          got[#got + 1] = path .. ' ' .. table.concat(args, ',') .. ' ' .. from[1] .. ':' .. from[2]
        end"#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    use wyrd_script::OscArg;
    b.runtime.osc(
        "/hello",
        &[OscArg::Int(3), OscArg::Float(0.5), OscArg::Str("x".into())],
        "127.0.0.1:9000".parse().unwrap(),
        at(0),
    );
    assert_eq!(b.eval("got[1]"), "\"/hello 3,0.5,x 127.0.0.1:9000\"");
}

#[test]
fn polls_report_on_their_period() {
    let s = Script::new(
        "polls",
        r#"
        function init()
          values, frames = {}, {}
          p = poll.set('pitch_in_l', function(v) values[#values + 1] = v frames[#frames + 1] = _wyrd.frame() end)
          p.time = 0.5
          p:start()
        end"#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(48_000 * 2);
    assert_eq!(
        b.eval("table.concat(frames, ' ')"),
        "\"24000 48000 72000 96000\""
    );
    assert_eq!(
        b.eval("values[1]"),
        "-1",
        "offline input is silent: unvoiced"
    );
    let r = b.runtime.repl("poll.set('nope', print)", at(0));
    assert!(
        !r.ok && r.output.contains("no poll named 'nope'"),
        "{}",
        r.output
    );
}

#[test]
fn lfos_and_envelopes_run_on_the_logical_clock() {
    let s = Script::new(
        "mod",
        r#"
        function init()
          lv, ev, done = {}, {}, 0
          wob = lfo:add{ shape = 'tri', min = 0, max = 1, period = 1, mode = 'clocked',
            action = function(scaled) lv[#lv + 1] = { clock.get_beats(), scaled } end }
          wob:start()
          swell = env.new{ levels = {0, 1, 0.5, 0}, times = {0.1, 0.1, 0.2}, curves = 'lin',
            release_node = 3, action = function(v) ev[#ev + 1] = { util.time(), v } end,
            done = function() done = done + 1 end }
          swell:trigger()
          clock.run(function() clock.sleep(0.5) swell:release() end)
        end
        -- Largest difference between what the LFO sent and its own formula at that beat.
        function lfo_error()
          local worst = 0
          for _, p in ipairs(lv) do
            worst = math.max(worst, math.abs(p[2] - wob:value_at(p[1])))
          end
          return worst
        end
        function env_at(t)
          for _, p in ipairs(ev) do if math.abs(p[1] - t) < 1e-9 then return p[2] end end
        end"#,
    );
    let mut b = Bench::start();
    b.load(&s.file).unwrap();
    b.run_to(2 * 24_000);
    let n: usize = b.eval("#lv").parse().unwrap();
    assert!(n >= 100, "{n} LFO updates in 2 beats");
    assert_eq!(b.eval("lfo_error()"), "0");
    // The envelope hits its breakpoints exactly, holds, releases and ends on 0.
    assert_eq!(b.eval("env_at(0.1)"), "1");
    assert_eq!(b.eval("env_at(0.2)"), "0.5");
    assert_eq!(b.eval("ev[#ev][2]"), "0");
    assert_eq!(b.eval("ev[#ev][1]"), "0.7");
    assert_eq!(b.eval("done"), "1");
    assert_eq!(b.eval("swell:is_running()"), "false");
}
