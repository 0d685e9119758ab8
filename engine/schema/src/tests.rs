use super::*;
use rand::{Rng, SeedableRng};

#[test]
fn table_is_in_index_order_with_unique_ids() {
    for (i, p) in PARAMS.iter().enumerate() {
        assert_eq!(p.index, i, "{}", p.id);
        assert!(p.min < p.max, "{}", p.id);
        assert!((p.min..=p.max).contains(&p.default), "{}", p.id);
        assert_eq!(p.sanitize(p.default), p.default, "{}", p.id);
        assert_eq!(PARAMS.iter().filter(|q| q.id == p.id).count(), 1);
    }
    assert_eq!(ParamId::PortamentoMode as usize, 40);
    assert_eq!(ParamId::FilterCutoff.spec().id, "filter_cutoff");
    assert_eq!(ParamId::Osc2Sync.spec().id, "osc2_sync");
}

#[test]
fn normalized_round_trip_is_exact_for_every_f32_in_range() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for p in &PARAMS {
        for _ in 0..20_000 {
            let v = p.sanitize(rng.gen_range(p.min..=p.max));
            let n = p.normalize(v);
            assert!((0.0..=1.0).contains(&n));
            assert_eq!(p.denormalize(n).to_bits(), v.to_bits(), "{} {v}", p.id);
        }
        assert_eq!(p.denormalize(0.0), p.min);
        assert_eq!(p.denormalize(1.0), p.max);
    }
}

#[test]
fn sanitize_clamps_rounds_and_replaces_nan() {
    let range = find("osc2_range").unwrap();
    assert_eq!(range.sanitize(1.5), 2.0); // halves away from zero
    assert_eq!(range.sanitize(-1.5), -2.0);
    assert_eq!(range.sanitize(9.0), 4.0);
    assert_eq!(range.sanitize(f32::NAN), 0.0);
    let mode = find("portamento_mode").unwrap();
    assert_eq!(mode.sanitize(0.9), 0.0);
    assert_eq!(mode.sanitize(1.0), 1.0);
    let cutoff = find("filter_cutoff").unwrap();
    assert_eq!(cutoff.sanitize(-3.0), -0.5);
    assert_eq!(cutoff.sanitize(f32::INFINITY), 1.5);
}

#[test]
fn laws_match_the_amsynth_table() {
    let phys = |id: &str, v: f32| find(id).unwrap().to_physical(v);
    assert!((phys("amp_attack", 0.0) - 0.0005).abs() < 1e-12);
    assert!((phys("amp_attack", 2.5) - 15.6255).abs() < 1e-9);
    assert!((phys("filter_cutoff", 1.5) - 64.0).abs() < 1e-9);
    assert!((phys("filter_cutoff", -0.5) - 0.25).abs() < 1e-9);
    assert!((phys("master_vol", 0.67) - 0.4489).abs() < 1e-6);
    assert!((phys("lfo_freq", 7.5) - 56.25).abs() < 1e-9);
    assert!((phys("filter_resonance", 0.0) - 0.5).abs() < 1e-12);
    assert!((phys("freq_mod_amount", 1.259_921) - 1.0).abs() < 1e-5);
    assert!((phys("filter_mod_amount", -1.0)).abs() < 1e-12);
    // Cents of detune: 1.25^v.
    assert!((1200.0 * phys("osc2_detune", 1.0).log2() - 386.31).abs() < 0.01);
    for p in &PARAMS {
        if matches!(p.law, Law::ResonanceQ) {
            continue;
        }
        for v in [p.min, p.default, p.max] {
            let back = p.from_physical(p.to_physical(v));
            assert!((back - v).abs() < 1e-4, "{} {v} -> {back}", p.id);
        }
    }
}

#[test]
fn patch_normalized_view_round_trips() {
    let mut patch = Patch::default();
    patch.set_by_id("filter_cutoff", 0.123_456_7);
    patch.set_by_id("osc2_pitch", 7.0);
    assert!(!patch.set_by_id("no_such_param", 1.0));
    let back = Patch::from_normalized("x", &patch.normalized());
    assert_eq!(back.values(), patch.values());
}

#[test]
fn json_lists_every_parameter_and_a_stable_hash() {
    let j = to_json();
    let params = j["params"].as_array().unwrap();
    assert_eq!(params.len(), NUM_PARAMS);
    assert_eq!(params[11]["id"], "filter_cutoff");
    assert_eq!(params[11]["law"]["type"], "exp");
    assert_eq!(params[4]["kind"]["options"][2], "saw");
    assert_eq!(params[0]["osc_path"], "/param/amp_attack");
    assert_eq!(j["hash"].as_str().unwrap().len(), 16);
    assert_eq!(schema_hash(), schema_hash());
}

#[test]
fn every_id_names_its_row_and_the_hash_is_the_models() {
    let camel = |id: &str| -> String {
        id.split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(ParamId::ALL.len(), NUM_PARAMS);
    for (i, id) in ParamId::ALL.into_iter().enumerate() {
        assert_eq!(id as usize, i);
        assert_eq!(id.spec().index, i);
        assert_eq!(format!("{id:?}"), camel(id.spec().id), "row {i}");
    }
    // The shipped models record this hash: the declaration must describe the same table.
    assert_eq!(schema_hash(), "b2aae11e7136c46e");
}

#[test]
fn option_enums_are_the_categorical_rows() {
    fn check<T: Copy + PartialEq + std::fmt::Debug>(
        id: ParamId,
        names: &[&str],
        all: &[T],
        from: fn(f32) -> T,
        value: fn(T) -> f32,
    ) {
        assert_eq!(id.spec().options(), Some(names), "{id:?}");
        for (i, &o) in all.iter().enumerate() {
            assert_eq!(value(o), i as f32);
            assert_eq!(from(i as f32), o);
            assert_eq!(id.spec().option_name(i as f32), Some(names[i]));
        }
        assert_eq!(from(-1.0), all[0]);
        assert_eq!(from(99.0), all[all.len() - 1]);
        assert_eq!(from(f32::NAN), all[0]);
    }
    check(
        ParamId::Osc1Waveform,
        Waveform::NAMES,
        Waveform::ALL,
        Waveform::from_value,
        Waveform::value,
    );
    check(
        ParamId::Osc2Waveform,
        Waveform::NAMES,
        Waveform::ALL,
        Waveform::from_value,
        Waveform::value,
    );
    check(
        ParamId::LfoWaveform,
        LfoWaveform::NAMES,
        LfoWaveform::ALL,
        LfoWaveform::from_value,
        LfoWaveform::value,
    );
    check(
        ParamId::KeyboardMode,
        KeyboardMode::NAMES,
        KeyboardMode::ALL,
        KeyboardMode::from_value,
        KeyboardMode::value,
    );
    check(
        ParamId::FilterType,
        FilterType::NAMES,
        FilterType::ALL,
        FilterType::from_value,
        FilterType::value,
    );
    check(
        ParamId::FilterSlope,
        FilterSlope::NAMES,
        FilterSlope::ALL,
        FilterSlope::from_value,
        FilterSlope::value,
    );
    check(
        ParamId::FreqModOsc,
        FreqModDest::NAMES,
        FreqModDest::ALL,
        FreqModDest::from_value,
        FreqModDest::value,
    );
    check(
        ParamId::PortamentoMode,
        PortamentoMode::NAMES,
        PortamentoMode::ALL,
        PortamentoMode::from_value,
        PortamentoMode::value,
    );
    check(
        ParamId::Osc2Sync,
        OffOn::NAMES,
        OffOn::ALL,
        OffOn::from_value,
        OffOn::value,
    );
    assert_eq!(Waveform::Saw.name(), "saw");
    let categorical = PARAMS.iter().filter(|p| p.options().is_some()).count();
    assert_eq!(categorical, 9, "every categorical row is checked above");
}
