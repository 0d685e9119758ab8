-- crow: to be written.
return {}
