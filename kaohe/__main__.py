import sys

from kaohe.cli import main

sys.exit(main())
