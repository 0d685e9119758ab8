-- grid: to be written.
return {}
