-- norns: to be written.
return { _path = {} }
