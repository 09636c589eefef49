"""The network of related parties: customers, consignees, end users, payers, forwarders
and owners linked by what they share (a normalised address, phone, e-mail domain,
website, payer, forwarder or owner), its connected groups, and the red flags it shows.

`contacts` turns contact fields into comparable keys, `links` turns orders (and an
ownership frame) into one table of links, `graph` finds the groups, the neighbourhood of a
case's customer and the network flags. Pure pandas and scipy, no Prefect, no files.
"""
