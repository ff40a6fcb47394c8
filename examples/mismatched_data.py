"""A team whose training data is not what the product hears: read the situation from YAML, get the plan.

Run: python examples/mismatched_data.py
"""
from pathlib import Path

import mlstrategy as mls

situation = mls.Situation.from_file(Path(__file__).with_name("rearview_mirror.yaml"))
advice = mls.advise(situation)

print(f"Primary problem: {advice.primary_problem} ({advice.values['data_mismatch']:.1%} of dev error)")
for step, action in enumerate(advice.actions, 1):
    print(f"{step}. {action.title}")
print("\nWhy synthesize data?\n" + str(advice.why("artificial_data_synthesis")))
