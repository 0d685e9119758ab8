-- softcut: to be written.
return {}
