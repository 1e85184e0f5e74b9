"""gfcheck.numeric: high-precision, event-aware integration of the gradient flow."""
