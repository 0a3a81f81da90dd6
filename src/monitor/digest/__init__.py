"""The daily digest: stored hits to a model, to text and HTML, to the reader's inbox.

- ``build``: unsent hits, feed activity and the clock to a ``Digest`` model (pure).
- ``render``: a ``Digest`` to text and HTML and an email message, the only module
  importing Jinja2 and css-inline (pure; templates in ``templates/``).
- ``mail``: transports that deliver a finished message to files or an SMTP server
  (disk, network); they know nothing of how a digest is rendered.
"""
