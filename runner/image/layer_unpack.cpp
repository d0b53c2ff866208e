// placeholder: written by the layer helper
