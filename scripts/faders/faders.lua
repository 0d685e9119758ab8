-- faders: a controller's eight faders over the patch
--
-- Pairs with examples/osc/wyrd-faders.json (Open Stage Control), whose faders send
-- /latent/1 .. /latent/8 in -3..3. With the models installed, this makes an 8-dimension
-- latent mapper over preset_vae8 and wyrd's built-in /latent routing does the rest: the
-- faders move through the space of presets the VAE learned (0 is its middle; the first
-- move takes the synth there). Without them (no ONNX Runtime: ./setup.sh ort), each fader
-- is a macro on one synth parameter through the schema's 0..1 view, handled here in
-- osc.event, and only while no latent mapper is active, so the two never fight. The
-- layout's other faders use wyrd's built-in /param/<id>/norm paths and need nothing here.
--
-- live:  wyrd run scripts/faders/faders.lua     then point the controller at port 10111
-- try:   oscsend localhost 10111 /latent/1 f 1.5
--        oscsend localhost 10111 /latent/2 f 2.5
--        oscsend localhost 10111 /note_on ii 48 100

local MODEL = 'preset_vae8'

-- without the models, fader i -> a synth parameter (ids from `wyrd params`)
local MACROS = {
  'filter_cutoff', 'filter_resonance', 'osc2_detune', 'osc_mix',
  'filter_env_amount', 'lfo_freq', 'filter_mod_amount', 'reverb_wet',
}

-- A latent fader's -3..3 (three standard deviations of a unit prior) as 0..1.
local function unit(z) return util.clamp((z + 3) / 6, 0, 1) end

function osc.event(path, args)
  if latent.active() then return end -- the built-in routing moves the mapper
  local i = tonumber(path:match('^/latent/(%d+)$'))
  if i and MACROS[i] and type(args[1]) == 'number' then
    params:set_raw(MACROS[i], unit(args[1]))
  elseif path == '/latent' then
    for k, z in ipairs(args) do
      if MACROS[k] and type(z) == 'number' then params:set_raw(MACROS[k], unit(z)) end
    end
  end
end

function init()
  engine.osc1_waveform(2)
  engine.osc2_waveform(1)
  engine.filter_slope(1)
  engine.amp_release(0.6)
  engine.filter_mod_amount(-1) -- the LFO macro starts with no filter movement
  engine.master_vol(0.5)

  local ok, vae = pcall(model.load, MODEL)
  if ok then
    m = latent.new{model = vae}
    print('faders: /latent/1..8 move through ' .. vae.name .. "'s latent space")
  else
    print('faders: models off, the faders are macros (' .. tostring(vae) .. ')')
    -- every macro starts where a centred fader (z = 0) puts it
    for _, id in ipairs(MACROS) do params:set_raw(id, 0.5) end
  end
  -- a drone to shape, as the layout's note pads add to it
  engine.note_on(36, 90)
  engine.note_on(43, 80)
end

function cleanup()
  engine.all_off()
end
