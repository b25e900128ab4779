import os
import sys
from pathlib import Path

_SRC = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_SRC))
sys.path.insert(0, str(_SRC.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.main")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
