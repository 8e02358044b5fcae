# pragma version 0.4.3
# Clearway transparency log anchor: the administration records each signed tree head's root.

event Anchored:
    tree_size: indexed(uint256)
    root: bytes32
    timestamp_ms: uint256

owner: public(address)
roots: public(HashMap[uint256, bytes32])
latest_size: public(uint256)


@deploy
def __init__():
    self.owner = msg.sender


@external
def anchor(tree_size: uint256, root: bytes32, timestamp_ms: uint256):
    assert msg.sender == self.owner, "only the administration anchors"
    assert tree_size > self.latest_size, "tree size must grow"
    self.roots[tree_size] = root
    self.latest_size = tree_size
    log Anchored(tree_size=tree_size, root=root, timestamp_ms=timestamp_ms)
