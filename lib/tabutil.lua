-- tabutil: to be written.
return {}
