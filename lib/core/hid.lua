-- hid: to be written.
return {}
