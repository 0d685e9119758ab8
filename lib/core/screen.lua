-- screen: to be written.
return {}
