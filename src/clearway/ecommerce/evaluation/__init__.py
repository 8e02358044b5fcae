"""Evaluation manifests whose ordinary parcels are real marketplace listings, with fraud planted in them.

The listings (``marketplace/flipkart-listings.csv`` of the shared data: title, brand, category path, price in
INR) are split by a fixed hash of their listing id into a **calibration** half (thresholds are tuned on it,
and the brand register's lowest genuine prices are read from it) and a **held-out** half (figures are
reported on it). Prices are converted at the reference rate shipped with Clearway (``data/usd_rates.csv``,
INR 0.012 USD). The declared HS code of an ordinary parcel comes from its category path (``CATEGORY_HS``,
written by hand from the HS nomenclature); the carrier declares the listed price.

Planted the way a fraudster would: undervalued parcels (8-40 % of the price, with or without the listing),
placeholder values (0, 0.01, 0.10, 1.00), split orders (one seller, one consignee, 2-4 parcels in 2 days,
each under the 200 USD threshold, together over it), recalled products (brand and model in varied spellings,
common-word brands among them), counterfeits of registered brands (common-word brands among them) and
implausible HS codes in three ways (``variant`` in the truth): a code of an unrelated low-duty section (a
phone declared as a book), a code of another chapter whose nomenclature text shares a word of the title
("Rice Lights" declared under rice, "Mouse" under live animals), and a neighbouring heading of the same
chapter (the evaluation has no duty rates, so "cheaper" is not checked: any other heading of the chapter).

The ordinary parcels' declared codes come from the listing's category path through hand-written tables,
never from the HS-suggestion service (that would make the HS check judge its own output). They are a
carrier's code, not a classifier's truth: on the 198 hand-labelled titles of
``benchmarks/data/hs_marketplace_labels.csv`` they agree with the label at chapter level for about 7 in 10
and at section level for about 8 in 10 (docs/ecommerce.md), so some HS flags counted as false on ordinary
parcels are right.

The modules: ``marketplace`` (the real listings, their halves, USD prices and the carrier's HS code),
``registers`` (the recall list and the brand register a screening run is given), ``planting`` (drawing a
manifest from the listings with the fraud planted in it, and its truth file), ``scoring`` (screening a manifest
file, calibrating the thresholds on the calibration half, precision and recall on the held-out half).
"""
