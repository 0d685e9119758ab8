-- model: wyrd's trained models, by name (wyrd's own; norns has none).
--
--   local vae = model.load("preset_vae8")  -- or "amsynth_vae8", "vae8", or a path to an .onnx
--   vae.name        -- "preset_vae8"
--   vae.kind        -- "vae", "live_matcher" or "note_matcher"
--   vae.latent_dim  -- 8 (VAEs only)
--   vae.path        -- the file loaded
--
-- Names are looked up in the models folder ($WYRD_MODELS, else models/ of the wyrd checkout):
-- preset_vae2/4/8/16 (a preset VAE: its decoder, and its encoder beside it), live_matcher,
-- note_matcher_direct, note_matcher_vae. A model is loaded once per run and shared; load it in
-- init() (opening an ONNX file takes a few milliseconds), then hand it to latent.new.
--
-- Errors say what to do: a model not in the folder lists the ones that are; a missing ONNX
-- Runtime says how to install it (./setup.sh ort, or wyrd run --ort-lib PATH); a model whose
-- metadata does not match wyrd's parameter schema names the file and the difference.
local model = {}

local Model = {}
Model.__index = Model

function Model:__tostring()
  if self.latent_dim then
    return string.format("model %s (%s, %d dimensions)", self.name, self.kind, self.latent_dim)
  end
  return string.format("model %s (%s)", self.name, self.kind)
end

--- model.load(name) -> a model: fields name, kind, latent_dim (VAEs), path.
function model.load(name)
  if type(name) ~= "string" then
    error("model.load: expects a model name or path, got " .. type(name), 2)
  end
  local ok, mname, kind, dim, path = _wyrd.model_load(name)
  if not ok then error(mname, 2) end
  return setmetatable({ name = mname, kind = kind, latent_dim = dim, path = path }, Model)
end

--- model.is_model(x): whether x came from model.load.
function model.is_model(x)
  return getmetatable(x) == Model
end

return model
