"""The queue: tickets and their transitions, desks, the call order, estimates, ratings and the screens' read models."""
