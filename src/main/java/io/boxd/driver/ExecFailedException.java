package io.boxd.driver;

/**
 * The target could not be run as the request asked: its program or working directory, as the
 * target's uid sees them (boxd checks them first as itself, root). Nothing runs in the box.
 */
public class ExecFailedException extends SpawnFailedException {

    public ExecFailedException(String message) {
        super(message);
    }
}
