"""Advice for every run of a hyper-parameter sweep: which runs are bias-bound, which variance-bound.

Run: python examples/sweep.py
"""
import mlstrategy as mls

# (run name, training error, dev error) from a sweep over network width; human-level error is 2%.
runs = [("width-64", 0.12, 0.13), ("width-256", 0.06, 0.09), ("width-1024", 0.025, 0.08), ("width-4096", 0.021, 0.085)]

for name, train_error, dev_error in runs:
    advice = mls.advise(human_error=0.02, train_error=train_error, dev_error=dev_error)
    first = advice.actions[0].name if advice.actions else "-"
    print(f"{name:11} primary problem: {str(advice.primary_problem):15} first step: {first}")
