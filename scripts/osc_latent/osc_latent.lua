-- osc_latent: eight OSC faders over preset_vae8's latent space
--
-- An 8-dimension latent mapper, so a controller's faders move through the space of amSynth
-- presets the VAE learned: /latent/1 .. /latent/8 (wyrd's built-in routing to the active
-- mapper) set one dimension each, /latent v1 ... v8 all at once, /latent/<i>/get answers
-- /latent/<i> v. Values are raw latent units: the prior is N(0, 1), so -3..3 spans nearly
-- every preset and 0 is the middle of the space. A slow arpeggio over a low drone plays so
-- every move is heard; the mapper decodes at most 200 times a second however fast the faders
-- move, and the synth ramps to each patch.
--
-- live:  wyrd run scripts/osc_latent/osc_latent.lua     then point a controller at port 10111
--        (examples/osc/wyrd-faders.json for Open Stage Control sends /latent/1..8 in -3..3)
-- try:   oscsend localhost 10111 /latent/1 f 1.5
--        oscsend localhost 10111 /latent ffffffff 0 -1 2 0 0 1 0 -2
--        oscsend localhost 10111 /latent/1/get          (answers /latent/1 1.5 to the sender)
-- REPL:  m:set(3, -2)   m:values()   m:from_preset('amsynth_factory.bank', 5)
--        m:to_preset('/tmp/mine.amSynth')   params:set('arp', 1)   -- arpeggio off

local ARP = { 0, 7, 12, 15, 19, 15, 12, 7 } -- over the drone's root
local ROOT = 45 -- A2

function init()
  m = latent.new{model = model.load('preset_vae8'), rate = 200}
  -- start at the middle of the space: every fader at 0
  m:set_all{ 0, 0, 0, 0, 0, 0, 0, 0 }

  params:add_separator('osc_latent', 'osc latent')
  params:add_option('arp', 'arpeggio', { 'off', 'on' }, 2)
  params:add_number('arp_division', 'arp division', 1, 8, 4) -- steps per beat

  print('osc_latent: send /latent/1 .. /latent/8 (-3..3) to port 10111, e.g.')
  print('  oscsend localhost 10111 /latent/1 f 1.5')

  engine.note_on(ROOT - 12, 70) -- the drone
  clock.run(function()
    local step = 0
    local held
    while true do
      clock.sync(1 / params:get('arp_division'))
      if held then engine.note_off(held) held = nil end
      if params:get('arp') == 2 then
        held = ROOT + ARP[step % #ARP + 1]
        engine.note_on(held, 90)
      end
      step = step + 1
    end
  end)
end

function cleanup()
  engine.all_off()
end
