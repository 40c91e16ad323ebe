"""Printable documents of a result: the award notice and the result notice."""
