package io.boxd.reconcile;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping(path = "/v1/reconcile", produces = "application/json")
@Tag(name = "reconcile")
class ReconcileController {

    private final Reconciler reconciler;

    ReconcileController(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @PostMapping
    @Operation(summary = "Reconcile records and the kernel now, and return the report")
    ReconcileReport run() {
        return reconciler.run("api");
    }

    @GetMapping("/last")
    @Operation(summary = "The last reconciliation report (404 if none has run)")
    ResponseEntity<ReconcileReport> last() {
        ReconcileReport r = reconciler.last();
        if (r == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no reconcile pass has run yet");
        }
        return ResponseEntity.ok(r);
    }
}
