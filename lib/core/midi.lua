-- midi: to be written.
return {}
