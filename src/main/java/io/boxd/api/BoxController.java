package io.boxd.api;

import io.boxd.box.Box;
import io.boxd.box.BoxEvent;
import io.boxd.box.BoxPage;
import io.boxd.box.BoxRules;
import io.boxd.box.BoxService;
import io.boxd.box.NewBox;
import io.boxd.box.NewProcess;
import io.boxd.driver.BoxProcess;
import io.boxd.driver.BoxStats;
import io.boxd.driver.SpawnedProcess;
import io.boxd.limits.Limits;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigInteger;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The v1 box API. Thin: it maps HTTP to {@link BoxService} and nothing else. */
@RestController
@RequestMapping(path = "/v1/boxes", produces = "application/json")
@Tag(name = "boxes")
class BoxController {

    // A schema given with @Parameter replaces the one springdoc derives, default included.
    private static final int FIRST_PAGE = 0;
    private static final int PAGE_SIZE = 50;

    private final BoxService boxes;

    BoxController(BoxService boxes) {
        this.boxes = boxes;
    }

    /** {@code PATCH} body. */
    record LimitsPatch(Limits limits) {
    }

    /** {@code adopt} body. */
    record Adopt(Integer pid) {
    }

    /** {@code stop} body. */
    record Stop(@Schema(minimum = "0", maximum = "" + BoxRules.MAX_GRACE_SECONDS,
            defaultValue = "" + BoxRules.DEFAULT_GRACE_SECONDS) BigInteger graceSeconds) {
    }

    @PostMapping(consumes = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a box: a cgroup with enforced limits; 409 if the id is taken, by a box or by an orphan cgroup")
    ResponseEntity<Box> create(@RequestBody(required = false) NewBox body) {
        Box box = boxes.create(body);
        return ResponseEntity.created(URI.create("/v1/boxes/" + box.id())).body(box);
    }

    @GetMapping
    @Operation(summary = "List boxes, filtered by state and labels (label=key=value, repeatable)")
    BoxPage list(@RequestParam(required = false) String state,
                 @RequestParam(required = false) List<String> label,
                 @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "0", defaultValue = "" + FIRST_PAGE))
                 @RequestParam(required = false) String page,
                 @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "1",
                         maximum = "" + BoxService.MAX_PAGE_SIZE, defaultValue = "" + PAGE_SIZE))
                 @RequestParam(required = false) String size,
                 HttpServletRequest request) {
        // The bound parameters only document them: the raw values are read (QueryParams). A lone
        // label value is split on commas when it is bound, and label values may hold commas.
        String[] raw = request.getParameterValues("label");
        return boxes.list(QueryParams.once("state", request.getParameterValues("state")), raw == null ? null : Arrays.asList(raw),
                QueryParams.decimal("page", request.getParameterValues("page"), FIRST_PAGE),
                QueryParams.decimal("size", request.getParameterValues("size"), PAGE_SIZE));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a box")
    Box get(@PathVariable String id) {
        return boxes.get(id);
    }

    @PatchMapping(path = "/{id}", consumes = "application/json")
    @Operation(summary = "Change a box's limits; they are re-applied and read back")
    Box patch(@PathVariable String id, @RequestBody LimitsPatch body) {
        return boxes.patch(id, body.limits());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a box's cgroup (409 if processes live, unless force=true); the record and history stay; a delete whose kill or rmdir fails leaves a live box with a delete-failed event")
    void delete(@PathVariable String id,
                @Parameter(schema = @Schema(type = "boolean", defaultValue = "false")) @RequestParam(required = false) String force,
                HttpServletRequest request) {
        boxes.delete(id, QueryParams.bool("force", request.getParameterValues("force"), false));
    }

    @PostMapping(path = "/{id}/processes", consumes = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Start a process inside the box, in a session of its own (it joins the cgroup before it execs); 422 exec-failed when its uid cannot run the program or enter cwd; 409 pids-limit-reached when the box or a cgroup above it is at its pids.max")
    SpawnedProcess spawn(@PathVariable String id, @RequestBody NewProcess body) {
        return boxes.spawn(id, body);
    }

    @PostMapping(path = "/{id}/processes/adopt", consumes = "application/json")
    @Operation(summary = "Move an existing process into the box, verified through /proc/<pid>/cgroup; 422 for one a box must not hold: init, boxd, an ancestor of boxd or its spawn server, a kernel thread, a process of another box, a thread id. A process already in the box stays where it is, and is not recorded twice")
    Box adopt(@PathVariable String id, @RequestBody Adopt body) {
        if (body.pid() == null) {
            throw new io.boxd.box.BoxProblems.Invalid("pid", "is required");
        }
        return boxes.adopt(id, body.pid());
    }

    @GetMapping("/{id}/processes")
    @Operation(summary = "The processes in the box")
    List<BoxProcess> processes(@PathVariable String id) {
        return boxes.processes(id);
    }

    @PostMapping("/{id}/kill")
    @Operation(summary = "Kill the whole tree with cgroup.kill and wait until the box is empty")
    Box kill(@PathVariable String id) {
        return boxes.kill(id);
    }

    @PostMapping("/{id}/stop")
    @Operation(summary = "SIGTERM every process, wait graceSeconds (default 10), then kill")
    Box stop(@PathVariable String id, @RequestBody(required = false) Stop body) {
        return boxes.stop(id, body == null ? null : body.graceSeconds());
    }

    @GetMapping("/{id}/stats")
    @Operation(summary = "Usage from cpu.stat, memory.*, pids.*; a field is absent when its file is")
    BoxStats stats(@PathVariable String id) {
        return boxes.stats(id);
    }

    @GetMapping("/{id}/events")
    @Operation(summary = "The box's history, oldest first")
    List<BoxEvent> events(@PathVariable String id) {
        return boxes.events(id);
    }
}
