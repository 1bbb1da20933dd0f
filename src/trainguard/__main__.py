"""``python -m trainguard`` runs the command-line interface."""

from trainguard.cli.app import main

if __name__ == "__main__":
    main()
