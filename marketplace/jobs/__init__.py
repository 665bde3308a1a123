"""The durable outbox and the one background worker (`flask jobs run`).

Whatever leaves the process (e-mail today) is a row written in the request's own transaction;
the worker delivers it later, with retries, so that no request ever waits on SMTP and nothing
committed is lost when the mail server is slow, down, or the worker is killed.
"""
