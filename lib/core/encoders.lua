-- encoders: to be written.
return {}
