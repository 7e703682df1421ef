"""Agents console (issue 10): sign-in, queue per inbox, ticket page, replies on the beneficiary channel."""
