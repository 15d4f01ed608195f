"""Runtime hook: psycopg_binary.pq imports without Python's ssl module, which the bundle leaves out.

psycopg_binary.pq runs ``import ssl`` at import only so that Python sets up libcrypto's
locking callbacks before libpq does (then calls PQinitOpenSSL(1, 0)): a concern of OpenSSL
1.0, a no-op with the OpenSSL 3 that CPython 3.11 and psycopg_binary.libs carry. libpq's TLS
(sslmode, sslrootcert) runs on psycopg_binary.libs' own libssl, not on Python's ssl. Bundling
Python's ssl for that import would cost 5.4 MB (a second OpenSSL); instead, while that one
module initializes, ``ssl`` names an empty module, removed as soon as it is done, so every
other importer (http.client, urllib3, hashlib's fallback) still finds no ssl, as before.
"""

import importlib
import importlib.abc
import sys
import types

_TARGET = "psycopg_binary.pq"
_IMPORTED_BY_TARGET = ("asyncio", "psycopg.errors", "psycopg._encodings")


class _WithoutSsl(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self._stubbed(self.loader.create_module, spec)

    def exec_module(self, module):
        return self._stubbed(self.loader.exec_module, module)

    @staticmethod
    def _stubbed(call, argument):
        # pq's other imports first, ssl-less as everywhere in the bundle: asyncio (through
        # psycopg.errors) looks for ssl too and must not take the stub for it.
        for name in _IMPORTED_BY_TARGET:
            importlib.import_module(name)
        stub = types.ModuleType("ssl", "Not Python's ssl: see the bundle's rth_psycopg_ssl.py.")
        added = sys.modules.setdefault("ssl", stub) is stub
        try:
            return call(argument)
        finally:
            if added:
                del sys.modules["ssl"]


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    spec.loader = _WithoutSsl(spec.loader)
                    return spec
        return None


sys.meta_path.insert(0, _Finder())
