-- arc: to be written.
return {}
