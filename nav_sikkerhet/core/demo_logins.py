"""The demo's shared password and the one login a newcomer is pointed to (README, login page, `demo_data`)."""

DEMO_PASSWORD = "demo"
# The head of unit sees the most of the app: decisions, incidents, ROS analyses and the reminders.
FIRST_LOGIN = "leder"
