-- keyboard: to be written.
return {}
