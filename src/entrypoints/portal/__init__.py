"""The partner portal: server-rendered pages at /portal/ for merchants, vendors and resellers.

Views are thin like the API's routers: they validate a form with the API's own input schemas,
call the same services (the same use cases), and render the result; application
errors become the API's problem detail in words. No business rule lives here.
"""
