import sys

from bokdesk.cli import main

sys.exit(main())
