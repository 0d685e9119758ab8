-- audio: to be written.
return {}
