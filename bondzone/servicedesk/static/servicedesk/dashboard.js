// The service-rate charts (a static file: the Content-Security-Policy allows no inline script).
