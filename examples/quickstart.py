"""Quickstart: the course's cat classifier with 1% human error, 8% training error and 10% dev error.

Run: python examples/quickstart.py
"""
import mlstrategy as mls

advice = mls.advise(human_error="1%", train_error="8%", dev_error="10%")

print(advice)                                   # the report
print("\nPrimary problem:", advice.primary_problem)
print("Plan:", [action.name for action in advice.actions])
print("\nWhy a bigger model?\n" + str(advice.why("bigger_model")))
print("\nWhy not more data?\n" + str(advice.why_not("more_data")))
