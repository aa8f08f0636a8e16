"""Parent reports: render each pupil's context to HTML and PDF, and put the files where they belong."""
