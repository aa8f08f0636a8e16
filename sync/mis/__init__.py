"""Pupils from the school's management information system: the DfE Common Transfer File (XML)
and CSV exports (SIMS-, Arbor- and Bromcom-style columns), read into the INCOMING frame of
`functions.roll`, and the `import` command that brings them into this year's class workbooks."""
