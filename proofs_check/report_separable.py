"""The ``separable`` suite's report additions: placeholder until the figures land."""

FIGURES: dict = {}


def sections(ctx, results):
    return {}, ""


def draw(out_dir, ctx):
    return [], {}
